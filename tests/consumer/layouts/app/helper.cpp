// A source without tasks: editing it must not rebuild anything generated.
int helper_value() { return 42; }
