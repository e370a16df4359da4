#!/usr/bin/perl
# Parses every Authentication-Results field of a header dump with
# Mail::AuthenticationResults and prints each as JSON, for bench/run.
use strict;
use warnings;
use Mail::AuthenticationResults::Parser;

my ($path) = @ARGV;
open(my $in, '<', $path) or die "cannot open $path: $!\n";
my $current;
my $emit = sub {
	my ($field) = @_;
	return unless defined $field && $field =~ s/^Authentication-Results:\s*//i;
	my $parsed = eval {
		Mail::AuthenticationResults::Parser->new()->parse($field);
	};
	if (!defined $parsed) {
		my $error = $@ // 'unknown error';
		$error =~ s/[\r\n"\\]+/ /g;
		print "{\"error\": \"$error\"}\n";
		return;
	}
	print $parsed->as_json(), "\n";
};
while (my $line = <$in>) {
	$line =~ s/\r?\n\z//;
	if ($line =~ /^[ \t]/ && defined $current) {
		$current .= $line;
		next;
	}
	$emit->($current);
	$current = $line;
}
$emit->($current);
