# error: requires extension "copy"
redirect :copy "a@example.com";
