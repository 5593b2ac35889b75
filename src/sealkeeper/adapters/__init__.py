"""I/O at the edges: files of bundles, rule-pack files. The pure core never imports these."""
