"""The organisation hierarchy: HMPPS, regions and PDUs."""
