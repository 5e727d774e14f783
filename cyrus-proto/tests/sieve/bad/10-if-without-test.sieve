# error: needs exactly one test
if { keep; }
