# error: does not take a test (missing ';' before 'discard'?)
keep
discard;
