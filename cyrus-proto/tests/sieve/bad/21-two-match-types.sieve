# error: cannot be combined
if header :is :contains "subject" "x" { keep; }
