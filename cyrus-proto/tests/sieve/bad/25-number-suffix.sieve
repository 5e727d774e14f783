# error: invalid number
if size :over 10X { keep; }
