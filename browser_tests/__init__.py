"""Browser journeys (Playwright + Debian Chromium); run with `make test-browser`."""
