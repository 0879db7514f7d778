"""Published values, typed in once with their source, for the tests to reproduce."""
