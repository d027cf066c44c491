// zh-CN messages for the settings pages.
export default {
};
