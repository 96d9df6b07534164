"""The device client library that the kiosk, display and caller programs share:
checking the hub, reporting health, the pywebview window."""
