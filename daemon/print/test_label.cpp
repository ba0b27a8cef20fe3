#include "daemon/print/test_label.hpp"

namespace wedge::print {

NewJob test_label_job(const std::string& printer_id) {
  return NewJob{"", printer_id, "",
                "^XA^CI28^FO50,50^A0N,50,50^FDwedge test label^FS^FO50,120^A0N,30,30^FD" + printer_id +
                    "^FS^XZ"};
}

}  // namespace wedge::print
