"""Passerelle core: the channel-neutral conversation engine and its domain services.

Nothing in this package touches the outside world; adapters implement the Protocols of
``bot.ports`` and hand inbound messages to ``bot.conversation.TurnHandler``.
"""
