# error: does not take a block
keep { discard; }
