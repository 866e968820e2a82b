#ifndef AWS_HEADER_H
#define AWS_HEADER_H

/* One HTTP header as the AWS client layer passes it around: both strings borrowed. */
struct aws_header {
    const char *name;
    const char *value;
};

#endif
