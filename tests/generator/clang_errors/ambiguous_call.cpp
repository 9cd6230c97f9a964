// A real error in user code: bg-gen prints Clang's error with all its notes
// (both candidates) and leaves the outputs alone. The task makes bg-gen parse
// the file (a file without [[bg::]] attributes is left to the compiler).
[[bg::task]] void job(int n);
void h(long);
void h(unsigned);
int y = (h(1), 0);
