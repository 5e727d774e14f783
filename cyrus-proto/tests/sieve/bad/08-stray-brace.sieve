# error: unexpected
keep;
}
