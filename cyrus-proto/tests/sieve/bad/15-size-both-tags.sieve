# error: cannot be combined
if size :over :under 100 { keep; }
