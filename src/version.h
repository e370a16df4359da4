#ifndef LANDED_VERSION_H
#define LANDED_VERSION_H

#define LANDED_VERSION "0.1.0"

#endif
