"""WhatsApp messaging: account and keychain secrets, the Cloud API client, the sandbox simulator,
templates, rendering and formatting. No Qt here: the UI, the CLI and automations share it.

Map:
  account.py       AccountConfig, connect/disconnect, resolve_mode (real account or sandbox)
  secrets.py       SecretStore over `keyring`; refuses to store without a usable keychain
  connection.py    open_client(): the client for the current mode (starts the sandbox if needed)
  cloud_client.py  CloudClient: the single way core talks to Meta
  errors.py        Meta error codes -> plain words and what to do (retry, defer, stop ...)
  template_spec.py TemplateSpec: components parsed; variables a mapping must fill
  templates.py     sync into the templates table; list / find for the Templates page
  render.py        Renderer: exact send payload + rendered text + problems (limits)
  formatting.py    ₹ Indian grouping, "24 Jun" dates, UTM tags, WhatsApp markup -> HTML
  sandbox/         the simulator (a real HTTP server on 127.0.0.1)
"""
