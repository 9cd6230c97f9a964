// A source without tasks: editing it must not touch the generated files.
int consumer_helper() { return 1; }
