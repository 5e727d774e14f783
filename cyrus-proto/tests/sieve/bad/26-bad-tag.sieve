# error: unknown tag
keep :forever;
