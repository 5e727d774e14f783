# error: parenthesised test list
if anyof true { keep; }
