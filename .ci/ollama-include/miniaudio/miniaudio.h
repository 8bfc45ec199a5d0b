/* Stand-in for miniaudio.h, used only to build the Ollama test server.
 *
 * Go module zips drop nested vendor/ directories, so the module proxy's copy
 * of github.com/ollama/ollama lacks llama.cpp's vendored miniaudio, and Debian
 * has no package for it. llama.cpp calls the decoder only to read audio input
 * for multimodal models; here every decode fails, which text models never see. */
#ifndef CAPPLAN_MINIAUDIO_STUB_H
#define CAPPLAN_MINIAUDIO_STUB_H
#include <stddef.h>
#include <stdint.h>

#ifndef MA_API
#define MA_API static
#endif

typedef uint32_t ma_uint32;
typedef uint64_t ma_uint64;
typedef int ma_result;
#define MA_SUCCESS 0
#define MA_ERROR (-1)

typedef enum {
	ma_format_unknown = 0,
	ma_format_u8,
	ma_format_s16,
	ma_format_s24,
	ma_format_s32,
	ma_format_f32
} ma_format;
typedef enum { ma_encoding_format_unknown = 0, ma_encoding_format_wav } ma_encoding_format;

typedef struct {
	ma_format format;
	ma_uint32 channels;
	ma_uint32 sampleRate;
} ma_decoder_config;
typedef struct { int unused; } ma_decoder;
typedef struct { int unused; } ma_encoder_config;
typedef struct { int unused; } ma_encoder;

MA_API inline ma_decoder_config ma_decoder_config_init(ma_format format, ma_uint32 channels, ma_uint32 rate) {
	ma_decoder_config c;
	c.format = format;
	c.channels = channels;
	c.sampleRate = rate;
	return c;
}
MA_API inline ma_result ma_decoder_init_memory(const void *data, size_t size, const ma_decoder_config *config, ma_decoder *decoder) {
	(void)data; (void)size; (void)config; (void)decoder;
	return MA_ERROR;
}
MA_API inline ma_result ma_decoder_get_length_in_pcm_frames(ma_decoder *decoder, ma_uint64 *frames) {
	(void)decoder;
	if (frames) *frames = 0;
	return MA_ERROR;
}
MA_API inline ma_result ma_decoder_read_pcm_frames(ma_decoder *decoder, void *out, ma_uint64 frames, ma_uint64 *read) {
	(void)decoder; (void)out; (void)frames;
	if (read) *read = 0;
	return MA_ERROR;
}
MA_API inline ma_result ma_decoder_uninit(ma_decoder *decoder) {
	(void)decoder;
	return MA_SUCCESS;
}
#endif
