/* The screen page's strings, zh first, en. */
export default {
  zh: {"sound.enable": "点击开启语音", "sound.enable_en": "Tap to enable sound",
       "sound.replay": "重播", "sound.on": "语音已开启"},
  en: {"sound.enable": "Tap to enable sound", "sound.enable_en": "点击开启语音",
       "sound.replay": "Replay", "sound.on": "Sound on"},
};
