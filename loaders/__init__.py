"""Everything that writes data into the graph."""
