#include <re2/re2.h>
#include <iostream>
#include <string>
int main() {
  std::string line;
  while (std::getline(std::cin, line)) {
    re2::RE2 re(line, re2::RE2::Quiet);
    if (!re.ok()) { std::cout << "ERR\t" << re.error() << "\t" << line << "\n"; continue; }
    std::cout << re.ProgramSize() << "\t" << line << "\n";
  }
}
