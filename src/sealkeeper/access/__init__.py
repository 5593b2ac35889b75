"""Access control (pure core): one policy decision point over Casbin policy data."""
