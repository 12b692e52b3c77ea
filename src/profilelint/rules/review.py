"""placeholder while the family is written."""
