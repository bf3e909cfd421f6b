"""The ordinance, quality and publication rules (E3, W4); one function each."""
