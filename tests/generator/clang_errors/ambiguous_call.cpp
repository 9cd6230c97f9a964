// A real error in user code: bg-gen prints Clang's error with all its notes
// (both candidates) and leaves the outputs alone.
void h(long);
void h(unsigned);
int y = (h(1), 0);
