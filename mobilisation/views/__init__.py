"""Pages of the mobilisation app: ``pages`` (staff and members, signed in), ``public`` (residents, no account)."""
