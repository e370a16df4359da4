# Files a message for a seed at lab.test into Junk unless the receiver's
# own Authentication-Results field, the topmost one, is from mx.lab.test
# and reports dmarc=pass.  A field lower down may have been written by the
# sender, so it does not count.  Bounces to the senders' mailboxes are
# left alone.
require ["envelope", "fileinto", "index"];

if allof (envelope :domain "to" "lab.test",
          not allof (header :index 1 :matches "Authentication-Results" "mx.lab.test;*",
                     header :index 1 :contains "Authentication-Results" "dmarc=pass")) {
	fileinto "Junk";
}
