# error: needs exactly one test
if (true, false) { keep; }
