/* The SMTP daemon stand-in: a static program that exits at once, so that only what runs before it is timed; see bench/run.sh. */
int
main(void)
{
	return 0;
}
