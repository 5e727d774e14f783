# error: needs :over or :under
if size 100 { keep; }
