/* xdp_object.S: the XDP program's object file (built by clang from fastpath.bpf.c) inside the library, so that
 * wherever syncookied-dp or libsyncookied_dp.so goes, the program it loads goes with it. */
	.section .rodata
	.balign 8
	.global dp_xdp_object
	.hidden dp_xdp_object
dp_xdp_object:
	.incbin DP_XDP_OBJECT_PATH
	.global dp_xdp_object_end
	.hidden dp_xdp_object_end
dp_xdp_object_end:
	.section .note.GNU-stack,"",@progbits
