# error: unknown test
if sizeish :over 1 { keep; }
