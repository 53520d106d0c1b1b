package io.gearbox.asr.audio;

import com.jcraft.jogg.Packet;
import com.jcraft.jogg.Page;
import com.jcraft.jogg.StreamState;
import com.jcraft.jogg.SyncState;
import com.jcraft.jorbis.Block;
import com.jcraft.jorbis.Comment;
import com.jcraft.jorbis.DspState;
import com.jcraft.jorbis.Info;

/**
 * Decodes Ogg Vorbis with JOrbis ({@code org.jcraft:jorbis}), first logical stream only.
 *
 * <p>The first page is inspected here so that Ogg files carrying another codec (Opus,
 * FLAC, Speex) are reported as unsupported rather than corrupt. The granule position of
 * the stream's last page gives its length, so an over-long file is rejected once the
 * identification header has given the rate, before any audio packet is decoded.
 */
final class VorbisDecoder implements Decoder {

	private static final int CHUNK = 8192;

	/** Longest Ogg page: 27-byte header, 255 lacing values, 255 segments of 255 bytes. */
	private static final int MAX_PAGE = 27 + 255 + 255 * 255;

	@Override
	public DecodedAudio decode(byte[] data, DecodeLimits limits) {
		checkCodec(data);
		return new Session(data).decode(limits);
	}

	private static void checkCodec(byte[] data) {
		if (!Bytes.startsWith(data, 0, "OggS") || data.length < 27) {
			throw new InvalidAudioException("Not an Ogg stream");
		}
		int segments = Bytes.u8(data, 26);
		int body = 27 + segments;
		if (Bytes.startsWith(data, body, "\u0001vorbis")) {
			return;
		}
		if (Bytes.startsWith(data, body, "OpusHead")) {
			throw new UnsupportedAudioException("Ogg Opus is not supported; use Ogg Vorbis, FLAC, MP3 or WAV");
		}
		if (data.length - body < 8) {
			throw new InvalidAudioException("Ogg stream is truncated");
		}
		throw new UnsupportedAudioException("This Ogg stream does not carry Vorbis audio, which is the only Ogg codec supported");
	}

	/** Granule position (frames) of the last page of the stream, or -1 when none is found. */
	static long lastGranule(byte[] data, int serial) {
		int lowest = Math.max(0, data.length - MAX_PAGE - 4);
		for (int i = data.length - 27; i >= lowest; i--) {
			if (data[i] == 'O' && Bytes.startsWith(data, i, "OggS") && data[i + 4] == 0
					&& (int) Bytes.u32le(data, i + 14) == serial) {
				return Bytes.s64le(data, i + 6);
			}
		}
		return -1;
	}

	/** One decode: JOrbis keeps its state in these mutable objects. */
	private static final class Session {

		private final byte[] data;

		private final SyncState sync = new SyncState();

		private final StreamState stream = new StreamState();

		private final Page page = new Page();

		private final Packet packet = new Packet();

		private int fed;

		Session(byte[] data) {
			this.data = data;
			this.sync.init();
		}

		DecodedAudio decode(DecodeLimits limits) {
			if (!nextPage()) {
				throw new InvalidAudioException("Ogg stream is truncated");
			}
			Info info = new Info();
			Comment comment = new Comment();
			info.init();
			comment.init();
			this.stream.init(this.page.serialno());
			if (this.stream.pagein(this.page) < 0 || this.stream.packetout(this.packet) != 1
					|| info.synthesis_headerin(comment, this.packet) < 0) {
				throw new InvalidAudioException("Ogg Vorbis identification header is corrupt");
			}
			DecodeLimits.checkSampleRate(info.rate);
			DecodeLimits.checkChannels(info.channels);
			long declaredFrames = lastGranule(this.data, this.page.serialno());
			if (declaredFrames > 0) {
				limits.checkDeclaredFrames(declaredFrames, info.rate);
			}
			readRemainingHeaders(info, comment);
			MonoBuffer out = limits.newBuffer(info.rate, Math.max(declaredFrames, 0));
			DspState dsp = new DspState();
			dsp.synthesis_init(info);
			Block block = new Block(dsp);
			float[][][] pcmHolder = new float[1][][];
			int[] offsets = new int[info.channels];
			float scale = 1f / info.channels;
			boolean lastPage = false;
			while (true) {
				int result = this.stream.packetout(this.packet);
				if (result == 1) {
					if (block.synthesis(this.packet) == 0) {
						dsp.synthesis_blockin(block);
					}
					int count;
					while ((count = dsp.synthesis_pcmout(pcmHolder, offsets)) > 0) {
						float[][] pcm = pcmHolder[0];
						for (int i = 0; i < count; i++) {
							float sum = 0f;
							for (int channel = 0; channel < info.channels; channel++) {
								sum += pcm[channel][offsets[channel] + i];
							}
							out.add(sum * scale);
						}
						dsp.synthesis_read(count);
					}
				}
				else if (result == 0) {
					if (lastPage || !nextPage()) {
						break;
					}
					lastPage = this.page.eos() != 0;
					this.stream.pagein(this.page);
				}
				// result < 0: a gap in the packet sequence; the next packetout carries on.
			}
			if (out.size() == 0) {
				throw new InvalidAudioException("Ogg Vorbis stream contains no audio");
			}
			return new DecodedAudio(out.toArray(), info.rate, info.channels);
		}

		private void readRemainingHeaders(Info info, Comment comment) {
			int headers = 1;
			while (headers < 3) {
				int result = this.stream.packetout(this.packet);
				if (result == 1) {
					if (info.synthesis_headerin(comment, this.packet) < 0) {
						throw new InvalidAudioException("Ogg Vorbis headers are corrupt");
					}
					headers++;
				}
				else if (result < 0) {
					throw new InvalidAudioException("Ogg Vorbis headers are corrupt");
				}
				else if (nextPage()) {
					this.stream.pagein(this.page);
				}
				else {
					throw new InvalidAudioException("Ogg Vorbis headers are truncated");
				}
			}
		}

		/** Reads the next page into {@link #page}, feeding input as needed; false at the end. */
		private boolean nextPage() {
			while (true) {
				int result = this.sync.pageout(this.page);
				if (result == 1) {
					return true;
				}
				if (result == 0) {
					if (this.fed >= this.data.length) {
						return false;
					}
					int count = Math.min(CHUNK, this.data.length - this.fed);
					int index = this.sync.buffer(count);
					System.arraycopy(this.data, this.fed, this.sync.data, index, count);
					this.sync.wrote(count);
					this.fed += count;
				}
				// result < 0: bytes skipped while resynchronising; try again.
			}
		}

	}

}
