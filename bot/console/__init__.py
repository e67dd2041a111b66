"""The agent console (/console): server-rendered pages where customer-service agents take
over conversations and work complaints to closure, and supervisors read the figures.
`bot.console.routes` gathers the page routers and the static files."""
