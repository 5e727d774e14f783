# error: without a preceding
elsif true { keep; }
