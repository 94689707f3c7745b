"""The terminal commands of sfa-desktop (sync, pdf): the same AgentSession and operations as the app."""
