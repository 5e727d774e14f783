# error: requires extension "fileinto"
fileinto "x";
