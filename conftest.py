"""Collection settings for the whole repository."""

collect_ignore_glob = ["src/xinxiao/migrations/*", "benchmarks/*", "node_modules/*"]
