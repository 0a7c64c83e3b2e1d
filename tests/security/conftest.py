"""The security suite drives the real study bot through the loopback Discord, so it reuses
the end-to-end fixtures (modules override ``fake_world`` to change who is in the server)."""

from tests.e2e.conftest import fake_discord, fake_world, services, shipped_knowledge, study  # noqa: F401
