"""Parcels carried on passenger buses (客货邮融合) and tracking numbers."""
