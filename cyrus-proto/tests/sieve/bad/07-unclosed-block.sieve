# error: not closed
if true {
  keep;
