"""Pages are in zh-hans unless the user chose English; API clients may still negotiate."""


def test_english_browser_still_gets_chinese_pages(client, db):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "zh-hans"


def test_language_switch_gives_english_pages(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.headers["Content-Language"] == "en"


def test_api_clients_keep_content_negotiation(client, db):
    response = client.get("/open311/v2/services.json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.headers["Content-Language"] == "en"
