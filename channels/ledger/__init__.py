"""A small shared memory for webhook protocols: which nonces were used with which body,
which messages were answered later. In-process (`memory`) or shared (`redis`)."""
