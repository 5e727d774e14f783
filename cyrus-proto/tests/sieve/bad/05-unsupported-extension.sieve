# error: unsupported extension "x-unknown"
require ["fileinto", "x-unknown"];
