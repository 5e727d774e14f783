# error: positional argument
if header "subject" { keep; }
