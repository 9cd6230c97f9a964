// Force-included with -include: the sources use it without #include.
#pragma once
#include <string>
using MailAddress = std::string;
