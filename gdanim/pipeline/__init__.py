"""From a spec to a file: preparing the runs, drawing, encoding, the manifest."""
